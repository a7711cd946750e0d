CREATE TABLE workspaces (id serial PRIMARY KEY, slug text NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE collections (
    id serial PRIMARY KEY,
    workspace_id integer NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    slug text NOT NULL
);
