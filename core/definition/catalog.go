package definition

import (
	"sort"
	"time"
)

// Catalog is one consistent, validated set of definitions. It is never
// changed after Compile returns it; a reload builds a new one.
type Catalog struct {
	hash     string
	loadedAt time.Time

	processes         map[string]*Process
	forms             map[string]*Form
	slas              map[string]*SLA
	calendars         map[string]*Calendar
	assetClasses      map[string]*AssetClass
	roles             map[string]*Role
	teams             map[string]*Team
	notifications     map[string]*Notification
	identityProviders map[string]*IdentityProvider
	migrations        map[string]*Migration
	mailboxes         map[string]*Mailbox
	webhooks          map[string]*Webhook
	// knowledgeCategories are the categories of the knowledge base
	// with a review rule.
	knowledgeCategories map[string]*KnowledgeCategory
	scripts             map[string]*Script
	priorities          []string
}

func newCatalog() *Catalog {
	return &Catalog{
		processes:           map[string]*Process{},
		forms:               map[string]*Form{},
		slas:                map[string]*SLA{},
		calendars:           map[string]*Calendar{},
		assetClasses:        map[string]*AssetClass{},
		roles:               map[string]*Role{},
		teams:               map[string]*Team{},
		notifications:       map[string]*Notification{},
		identityProviders:   map[string]*IdentityProvider{},
		migrations:          map[string]*Migration{},
		mailboxes:           map[string]*Mailbox{},
		webhooks:            map[string]*Webhook{},
		knowledgeCategories: map[string]*KnowledgeCategory{},
		scripts:             map[string]*Script{},
	}
}

// Hash identifies the catalog's content: the SHA-256 of every file's path and
// bytes. Tickets record it as the process version they started on.
func (c *Catalog) Hash() string { return c.hash }

// LoadedAt is when the catalog was compiled.
func (c *Catalog) LoadedAt() time.Time { return c.loadedAt }

// Process returns the process with the id, or nil.
func (c *Catalog) Process(id string) *Process { return c.processes[id] }

// Form returns the form with the id, or nil.
func (c *Catalog) Form(id string) *Form { return c.forms[id] }

// SLA returns the SLA with the id, or nil.
func (c *Catalog) SLA(id string) *SLA { return c.slas[id] }

// Calendar returns the calendar with the id, or nil.
func (c *Catalog) Calendar(id string) *Calendar { return c.calendars[id] }

// AssetClass returns the asset class with the id, or nil.
func (c *Catalog) AssetClass(id string) *AssetClass { return c.assetClasses[id] }

// Role returns the role with the id, or nil.
func (c *Catalog) Role(id string) *Role { return c.roles[id] }

// Team returns the team with the id, or nil.
func (c *Catalog) Team(id string) *Team { return c.teams[id] }

// Notification returns the notification with the id, or nil.
func (c *Catalog) Notification(id string) *Notification { return c.notifications[id] }

// Script returns the script with the name, or nil.
func (c *Catalog) Script(name string) *Script { return c.scripts[name] }

// Processes returns all processes sorted by id.
func (c *Catalog) Processes() []*Process { return sortedValues(c.processes) }

// Forms returns all forms sorted by id.
func (c *Catalog) Forms() []*Form { return sortedValues(c.forms) }

// SLAs returns all SLAs sorted by id.
func (c *Catalog) SLAs() []*SLA { return sortedValues(c.slas) }

// Calendars returns all calendars sorted by id.
func (c *Catalog) Calendars() []*Calendar { return sortedValues(c.calendars) }

// AssetClasses returns all asset classes sorted by id.
func (c *Catalog) AssetClasses() []*AssetClass { return sortedValues(c.assetClasses) }

// Roles returns all roles sorted by id.
func (c *Catalog) Roles() []*Role { return sortedValues(c.roles) }

// Teams returns all teams sorted by id.
func (c *Catalog) Teams() []*Team { return sortedValues(c.teams) }

// Notifications returns all notifications sorted by id.
func (c *Catalog) Notifications() []*Notification { return sortedValues(c.notifications) }

// IdentityProviders returns all identity providers sorted by id; none
// means local accounts only.
func (c *Catalog) IdentityProviders() []*IdentityProvider { return sortedValues(c.identityProviders) }

// Directory returns the LDAP identity provider, or nil: at most one is
// allowed.
func (c *Catalog) Directory() *IdentityProvider {
	for _, p := range c.IdentityProviders() {
		if p.Type == "ldap" {
			return p
		}
	}
	return nil
}

// Migrations returns all migrations sorted by id.
func (c *Catalog) Migrations() []*Migration { return sortedValues(c.migrations) }

// SignOnProviders returns the OpenID Connect identity providers sorted by
// id: each is a button on the staff login page.
func (c *Catalog) SignOnProviders() []*IdentityProvider {
	var out []*IdentityProvider
	for _, p := range c.IdentityProviders() {
		if p.Type == "oidc" {
			out = append(out, p)
		}
	}
	return out
}

// Mailboxes returns all mailboxes sorted by id.
func (c *Catalog) Mailboxes() []*Mailbox { return sortedValues(c.mailboxes) }

// Mailbox returns the mailbox with the id, or nil.
func (c *Catalog) Mailbox(id string) *Mailbox { return c.mailboxes[id] }

// Webhooks returns all webhooks sorted by id.
func (c *Catalog) Webhooks() []*Webhook { return sortedValues(c.webhooks) }

// Webhook returns the webhook with the id, or nil.
func (c *Catalog) Webhook(id string) *Webhook { return c.webhooks[id] }

// KnowledgeCategories returns the declared knowledge categories sorted by id.
func (c *Catalog) KnowledgeCategories() []*KnowledgeCategory {
	return sortedValues(c.knowledgeCategories)
}

// Scripts returns all scripts sorted by name.
func (c *Catalog) Scripts() []*Script { return sortedValues(c.scripts) }

// Len is the number of definitions and scripts in the catalog.
func (c *Catalog) Len() int {
	return len(c.processes) + len(c.forms) + len(c.slas) + len(c.calendars) +
		len(c.assetClasses) + len(c.roles) + len(c.teams) + len(c.notifications) + len(c.identityProviders) + len(c.migrations) +
		len(c.mailboxes) + len(c.webhooks) + len(c.knowledgeCategories) + len(c.scripts)
}

func sortedValues[T any](m map[string]*T) []*T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*T, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
