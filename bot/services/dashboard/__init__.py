"""What the curator's dashboard (a Telegram Mini App, handlers/dashboard/) shows, as plain data:
the registry with search, filters and sorting, the pairs board by stage, the meetings calendar.
The programme's figures, the roadmap and the surveys come from the services /status and
/report use (bot.services.reports.programme_stats and the rest), so the numbers agree."""
