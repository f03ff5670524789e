-- Flink SQL setup for the support-ticket enrichment pipeline.
SET 'table.exec.mini-batch.enabled' = 'true';

CREATE TABLE tickets (
  id BIGINT,
  body STRING,
  created_at TIMESTAMP(3)
) WITH ('connector' = 'kafka', 'topic' = 'tickets', 'properties.bootstrap.servers' = 'broker:9092');

-- Model endpoint for summaries.
CREATE CONNECTION IF NOT EXISTS `prod`.`support`.`openai-summaries`
  WITH (
    'type' = 'openai',
    'endpoint' = 'https://api.openai.com/v1/chat/completions',
    'api-key' = 'sk-proj-7Hq2ExampleKeyDoNotUse'
  );

-- Ticket history lives in MongoDB.
CREATE CONNECTION mongo_history
  WITH (
    'type' = 'MONGODB',
    'endpoint' = 'mongodb+srv://history.example.mongodb.net/tickets',
    'username' = 'flink-reader',
    'password' = 'Tr0ub4dor&3-example'
  );

-- Rotate the key after the incident.
ALTER CONNECTION `prod`.`support`.`openai-summaries` SET ('api-key' = 'sk-proj-R0tatedExampleKey');

-- Misspelled on purpose: reported as a near miss, left as written.
CREATE CONNECTION legacy_rest WITH ('type' = 'rest', 'endpoint' = 'https://legacy.example.com', 'tokn' = 'legacy-token-example');

INSERT INTO summaries SELECT id, ML_PREDICT('summarizer', body) FROM tickets;
