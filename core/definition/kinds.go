package definition

import lua "github.com/yuin/gopher-lua"

// SLA holds service-level targets in business time.
type SLA struct {
	Meta        `yaml:",inline"`
	Calendar    Ref          `yaml:"calendar"`
	WarnAt      int          `yaml:"warn_at"`
	Targets     []SLATarget  `yaml:"targets"`
	Escalations []Escalation `yaml:"escalations"`
}

// SLATarget gives the targets for one priority.
type SLATarget struct {
	Priority      Ref    `yaml:"priority"`
	FirstResponse string `yaml:"first_response"`
	Resolution    string `yaml:"resolution"`
}

// Escalation is what happens on an SLA warning or breach.
type Escalation struct {
	On       string `yaml:"on"`
	Target   string `yaml:"target"`
	Notify   Ref    `yaml:"notify"`
	Team     Ref    `yaml:"team"`
	Priority string `yaml:"priority"`
}

// Calendar is a business calendar.
type Calendar struct {
	Meta         `yaml:",inline"`
	Timezone     Ref              `yaml:"timezone"`
	Holidays     *Holidays        `yaml:"holidays"`
	WorkingHours map[string][]Ref `yaml:"working_hours"`
	ClosedDays   []Ref            `yaml:"closed_days"`
}

// Holidays selects the public holidays of a German state.
type Holidays struct {
	Country string `yaml:"country"`
	State   string `yaml:"state"`
}

// AssetClass is a class of configuration items.
type AssetClass struct {
	Meta            `yaml:",inline"`
	InventoryNumber *Numbering      `yaml:"inventory_number"`
	Statuses        []AssetStatus   `yaml:"statuses"`
	Fields          []Field         `yaml:"fields"`
	Relations       []AssetRelation `yaml:"relations"`
	// Reminders are the end dates of the class to be reminded of.
	Reminders []AssetReminder `yaml:"reminders"`
}

// AssetReminder declares a date field of an asset class an end date (a
// warranty, a contract, an inspection): the reminder job records a
// reminder DaysBefore days before the date, once per asset and date.
type AssetReminder struct {
	Field      Ref   `yaml:"field"`
	DaysBefore int   `yaml:"days_before"`
	Title      Label `yaml:"title"`
}

// AssetStatus is one life-cycle status of an asset.
type AssetStatus struct {
	ID    Ref   `yaml:"id"`
	Title Label `yaml:"title"`
}

// AssetRelation links an asset to another asset, a user or a team.
type AssetRelation struct {
	ID         Ref    `yaml:"id"`
	Title      Label  `yaml:"title"`
	Target     string `yaml:"target"`
	AssetClass Ref    `yaml:"asset_class"`
	Many       bool   `yaml:"many"`
	// Containment says the relation means "is in" (a room in a building, a
	// device in a room): an asset may not contain itself, directly or
	// through others. Target asset only.
	Containment bool `yaml:"containment"`
	// OnRetire is what happens when someone retires a target this relation
	// still points at: OnRetireWarn (the default) or OnRetireRefuse.
	// Target asset only.
	OnRetire string `yaml:"on_retire"`
}

// What retiring a still-referenced asset does (AssetRelation.OnRetire).
const (
	OnRetireWarn   = "warn"
	OnRetireRefuse = "refuse"
)

// Role is a named set of permissions.
type Role struct {
	Meta        `yaml:",inline"`
	Permissions []string `yaml:"permissions"`
}

// Team is a queue and a group of members.
type Team struct {
	Meta     `yaml:",inline"`
	Roles    []Ref  `yaml:"roles"`
	Email    string `yaml:"email"`
	Calendar Ref    `yaml:"calendar"`
	Parent   Ref    `yaml:"parent"`
}

// Notification is an automatic message.
type Notification struct {
	Meta        `yaml:",inline"`
	Event       string `yaml:"event"`
	Processes   []Ref  `yaml:"processes"`
	Transitions []Ref  `yaml:"transitions"`
	Recipients  []Ref  `yaml:"recipients"`
	PublicOnly  bool   `yaml:"public_only"`
	Subject     Label  `yaml:"subject"`
	Body        Label  `yaml:"body"`
}

// Script is a Lua script from the scripts folder.
type Script struct {
	Name string
	// File is the path the file was read from, Chunk its path below the
	// definitions folder ("scripts/it/it-route.lua"): the name Lua's error
	// messages give the script, free of where the folder lies on disk.
	File   string
	Chunk  string
	Source string
	// Proto is the compiled chunk; the script runtime runs it without
	// parsing the source again.
	Proto *lua.FunctionProto
}
