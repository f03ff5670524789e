//! Masking a stream.
