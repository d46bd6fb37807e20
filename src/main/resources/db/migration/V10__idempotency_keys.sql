-- Idempotency-Key: the answer to the first request with a key (per path), replayed to a repeat with the same
-- request; status 0 while that first request is being handled. Rows older than netforge.idempotency.ttl expire.
CREATE TABLE idempotency_keys (
    idempotency_key VARCHAR(255) NOT NULL,
    path            VARCHAR(500) NOT NULL,
    request_sha256  VARCHAR(64) NOT NULL,
    status          INTEGER NOT NULL,
    location        VARCHAR(500),
    content_type    VARCHAR(200),
    body            TEXT,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (idempotency_key, path)
);
