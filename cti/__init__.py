"""Telephony: the AMI codec and client, the agent's call model, and the built-in training PBX."""
