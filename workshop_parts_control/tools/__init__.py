from . import stock_sync
