"""Practice shifts (issue 8): scenario files, the simulated customer, the shift that runs them.

`scenario` holds the data a trainer writes, `scenario_file` reads and checks it, `intents`
recognises what the student says, `customer_sim` is the customer (pure, on an injected clock),
`customer_line` carries it over the PBX, and `shift` runs a whole practice shift.
"""
