"""The program's rules that decide money: what one achievement is, pricing and scoring a
claim, allocating a round, the status a reader sees, the calendar publicity is counted
on, what the published list says of a claim. Pure (no I/O), and one package: the service
that decides imports them, and the auditor runs the very same code again."""
