package definition

// TicketZone names the time zone a ticket's times are shown in (mails,
// titles): the zone of the calendar of its process's SLA, else of its
// team's calendar; "" when neither names one.
func (c *Catalog) TicketZone(process, team string) string {
	var cal string
	if p := c.Process(process); p != nil && !p.SLA.IsZero() {
		if s := c.SLA(p.SLA.Value); s != nil {
			cal = s.Calendar.Value
		}
	}
	if cal == "" {
		if t := c.Team(team); t != nil {
			cal = t.Calendar.Value
		}
	}
	if k := c.Calendar(cal); k != nil {
		return k.Timezone.Value
	}
	return ""
}
