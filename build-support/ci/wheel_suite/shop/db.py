from sqlalchemy import create_engine

from shop import settings

# A module-level engine, made when the module is imported.
engine = create_engine(settings.DATABASE_URL)
