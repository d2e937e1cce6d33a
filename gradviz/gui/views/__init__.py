"""The views: each draws one aspect of the session (views/base.py says how); none imports another."""
