"""Staff roles live here (the back office issue builds them on Django's users)."""
