"""Every question boardbot asks the database, one module per concept; the caller owns the
transaction and passes its `session` (keyword-only), as repository functions do.

partnerships  partnerships by key and by digest channel
boards        a partnership's boards: by key, by channel, their keys; the only module that reads
              Board.partnership_id or Board.key in a query (boards shared between partnerships
              will change it alone)
people        people, their roles on boards, their names
meetings      board meetings (scheduled ones unless said) and the minutes shared after them
occurrences   duties and their dated occurrences
agenda        agenda requests between boards
escalations   escalations, their stage history and the ladders they climb
outbox        prompts waiting, in flight or failed, and sending pauses
feeds         boards' calendar feeds in, and the tokens of calendars out
audit         the append-only audit log
records       any record by id within a partnership; rows by id in batches
"""
