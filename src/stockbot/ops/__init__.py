"""What an operator watches: readiness (`health`), Prometheus metrics (`metrics`), the command
log (`logs`), and the one-line refusals of a start that cannot work (`startup`).

Everything here observes; nothing here decides a flow. The service (`stockbot.service`) wires
it to the runtime's watchers and to its one HTTP server.
"""
