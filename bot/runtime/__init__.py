"""The running process around the handlers: the application factory, polling with its journal, the webhook server, one update's unit of work, FSM storage, middlewares and logging."""
