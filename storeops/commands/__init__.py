"""One module per ``storeops`` sub-command (found automatically by ``storeops.cli``)."""
