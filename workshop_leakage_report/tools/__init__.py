from . import isolation
