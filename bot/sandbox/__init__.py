"""The sandbox: a local Slack look-alike in the browser, driving the real bot over signed HTTP.

`SlackRelay` plays Slack's part towards the bot: whatever the page does becomes what Slack would
send (a signed slash command, `block_actions` or `view_submission` payload, an `app_home_opened`
event). What the bot sends back lands in the fake Slack (`bot.fakeslack`); the relay remembers
what Slack would (who caused a response_url, which modal a person has open) so the page can
draw it. `bot.sandbox.server` starts everything and serves the page; `bot.sandbox.clock` is
the sandbox's own clock (a fixed demo day, moved forward by jumps, never by the real date), and
`bot.sandbox.demo_data` what a fresh sandbox holds.
"""
