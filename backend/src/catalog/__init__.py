"""Document catalog service: workspaces, collections, documents and tags with search."""
