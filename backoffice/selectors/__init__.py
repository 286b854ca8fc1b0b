"""Reads of the back office, each scoped to the user's territory through ``crm.scoping``
(directly or through the lower apps' selectors). One module per screen."""
