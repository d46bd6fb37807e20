-- Idempotency keys belong to the caller that sent them (the API key's id; '' without keys): another caller's
-- request with the same Idempotency-Key is a request of its own, neither replayed the first answer nor told (422)
-- that the key was used. Kept answers move over as the anonymous caller's (all of them, with keys off; with keys
-- on, a retry of a request made before the upgrade is handled anew). Rows expire after netforge.idempotency.ttl.
CREATE TABLE idempotency_keys_by_caller (
    caller          VARCHAR(100) NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    path            VARCHAR(500) NOT NULL,
    request_sha256  VARCHAR(64) NOT NULL,
    status          INTEGER NOT NULL,
    location        VARCHAR(500),
    content_type    VARCHAR(200),
    body            TEXT,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (caller, idempotency_key, path)
);
INSERT INTO idempotency_keys_by_caller (caller, idempotency_key, path, request_sha256, status, location,
        content_type, body, created_at)
    SELECT '', idempotency_key, path, request_sha256, status, location, content_type, body, created_at
    FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_by_caller RENAME TO idempotency_keys;
-- expired rows are purged by age (at most once a minute per instance), not only when their key comes again
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
