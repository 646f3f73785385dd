"""The local web page (``docproc serve``): upload, see and correct the task table, download it."""
