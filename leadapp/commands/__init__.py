"""`leadapp` sub-commands, one module each."""
