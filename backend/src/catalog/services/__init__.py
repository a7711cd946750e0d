"""Use cases. Each takes its collaborators (unit of work, search index, cursor codec) explicitly."""
