CREATE TABLE accounts (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE transfers (
    id serial PRIMARY KEY,
    source_id integer NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
    target_id integer NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
    cents integer NOT NULL CHECK (cents > 0)
);
