-- A mixed-dialect migration: every credential here is masked by `sqlredact examples/mixed.sql`.
CREATE TABLE orders_sink (
  id BIGINT,
  total DECIMAL(10, 2),
  password_hash STRING COMMENT 'bcrypt, not a secret'
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:mysql://db.example.com:3306/shop',
  'username' = 'flink',
  'password' = 'flink-jdbc-pw'
);

SET 'sql.secrets.openai' = 'sk-legacy-example';

CREATE USER 'repl'@'%' IDENTIFIED BY 'Repl-2024!';
ALTER ROLE reporting WITH LOGIN PASSWORD 'hu8jmn3';

CREATE STAGE raw_events
  URL = 's3://acme-raw/events/'
  CREDENTIALS = (AWS_KEY_ID = 'AKIAEXAMPLE' AWS_SECRET_KEY = 'wJalrEXAMPLE');

CREATE SECRET kafka_password AS 'mz-kafka-pass';

CREATE CONNECTION kafka_conn TO KAFKA (
    BROKER 'broker.example.com:9092',
    SASL PASSWORD = SECRET kafka_password
);
