package definition

import (
	"fmt"
	"slices"
)

// The priority scale is part of the definition language: every place a
// definition names a priority (a process's default_priority and priority
// matrix, an SLA target, an escalation, a transition action) refers to the
// one enum `priority` of schemas/common.schema.json. The catalog hands the
// scale on, so that the pages and the API list priorities from the
// definitions instead of a copy of their own.

// priorityScale reads the priority enum from the decoded common schema, in
// the order it is written there (most urgent first).
func priorityScale(raw map[string]any) ([]string, error) {
	common, _ := raw[schemaBase+"common.schema.json"].(map[string]any)
	defs, _ := common["definitions"].(map[string]any)
	prio, _ := defs["priority"].(map[string]any)
	enum, _ := prio["enum"].([]any)
	out := make([]string, 0, len(enum))
	for _, v := range enum {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("common.schema.json: priority enum holds %v, not a string", v)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("common.schema.json: no priority enum in definitions")
	}
	return out, nil
}

// Priorities returns the priorities a ticket may have, most urgent first.
func (c *Catalog) Priorities() []string { return slices.Clone(c.priorities) }
