"""The Asterisk Manager Interface: the sans-I/O codec and the asyncio client."""
