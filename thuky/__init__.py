"""ThuKy (Thư Ký): a virtual legal secretary for Vietnamese courts."""
__version__ = "0.1.0"
