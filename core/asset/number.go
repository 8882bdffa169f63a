package asset

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"vorgang/core/definition"
	"vorgang/core/store"
)

// numberPattern is what an inventory number may look like: also numbers
// taken over from an older inventory, so not only the class's own format.
// No '/' and no spaces, so a number is a safe path segment and CSV cell.
var numberPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// ValidNumber reports whether n is a well-formed inventory number.
func ValidNumber(n string) bool { return numberPattern.MatchString(n) }

// numberKey is what makes two inventory numbers the same: they are
// compared regardless of case (a number copied from a label in capitals
// finds the asset stored in lower case). Numbers are ASCII.
func numberKey(n string) string { return strings.ToLower(n) }

// defaultDigits is the width of the sequence part when a class does not
// set inventory_number.digits.
const defaultDigits = 6

// numbering returns a class's number prefix and width. A class without
// inventory_number uses its id in capitals without '-' and '_'.
func numbering(c *definition.AssetClass) (prefix string, digits int) {
	digits = defaultDigits
	if n := c.InventoryNumber; n != nil {
		prefix = n.Prefix.Value
		if n.Digits > 0 {
			digits = n.Digits
		}
		return prefix, digits
	}
	prefix = strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(c.ID.Value))
	if len(prefix) > 10 {
		prefix = prefix[:10]
	}
	return prefix, digits
}

// numberScope is the counter of a prefix: classes sharing a prefix share
// the sequence, so their numbers never collide.
func numberScope(prefix string) string { return "asset/" + prefix }

// insertNew stores a as a new asset under the class's next free number.
// Numbers are gap-free as handed out by store.NextNumber; a number already
// taken by an asset imported with its own number is passed over.
func (s *Service) insertNew(ctx context.Context, c *definition.AssetClass, a *Asset) error {
	prefix, digits := numbering(c)
	for range 1000 {
		n, err := s.store.NextNumber(ctx, numberScope(prefix))
		if err != nil {
			return fmt.Errorf("asset: number for class %s: %w", c.ID.Value, err)
		}
		a.Number = fmt.Sprintf("%s%0*d", prefix, digits, n)
		a.Key = numberKey(a.Number)
		err = s.store.Insert(ctx, AssetsCollection, a)
		if errors.Is(err, store.ErrDuplicate) {
			continue
		}
		if err != nil {
			return fmt.Errorf("asset: store %s: %w", a.Number, err)
		}
		return nil
	}
	return fmt.Errorf("asset: no free inventory number for class %s after 1000 tries", c.ID.Value)
}
