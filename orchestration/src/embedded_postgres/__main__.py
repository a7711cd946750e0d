"""``python -m embedded_postgres``: a throwaway cluster in the foreground until Ctrl-C."""

from embedded_postgres.cluster import main

main()
