package sla

import (
	"fmt"
	"sync"

	"vorgang/core/definition"
)

// Calendars compiles the calendars of a catalog once per catalog version
// and hands out the compiled ones. It is the one place a calendar
// definition becomes working days: the SLA clock and the scripts' time
// module both ask it, so a public holiday is a holiday for both. The zero
// value is ready to use and safe for concurrent use.
type Calendars struct {
	compiled sync.Map // catalog hash + "/" + calendar id → *Calendar
}

// Get returns the compiled calendar id of cat.
func (cs *Calendars) Get(cat *definition.Catalog, id string) (*Calendar, error) {
	key := cat.Hash() + "/" + id
	if c, ok := cs.compiled.Load(key); ok {
		return c.(*Calendar), nil
	}
	def := cat.Calendar(id)
	if def == nil {
		return nil, fmt.Errorf("calendar %s is not defined", id)
	}
	c, err := Compile(def)
	if err != nil {
		return nil, err
	}
	actual, _ := cs.compiled.LoadOrStore(key, c)
	return actual.(*Calendar), nil
}
