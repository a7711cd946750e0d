"""HTTP API: FastAPI app factory, routers and RFC 9457 problem details."""
