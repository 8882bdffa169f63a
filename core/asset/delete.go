package asset

import (
	"context"
	"fmt"
	"strings"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// DeletionLog records that a deletion happened; *auth.Service implements
// it with the admin audit log.
type DeletionLog interface {
	RecordDeletion(ctx context.Context, by *auth.Principal, action string)
}

// Delete removes an asset for data protection (a device's record naming
// a person who asks to be forgotten): the asset with its history, its
// list of tickets and its reminders. Only administrators may; it is no part of asset.write,
// which retires instead. Assets, not retired, that still point at it
// refuse the deletion (fault.Conflict with code still_referenced and the
// numbers as parameter): move them first, so no relation is left pointing
// at nothing. The admin audit log records that an asset was deleted, by
// whom and when, and not which one; the tickets that linked it keep the
// number in their own history.
func (s *Service) Delete(ctx context.Context, actor *auth.Principal, number string) error {
	if actor == nil || !actor.Admin {
		return fmt.Errorf("delete asset %s: %w", number, fault.Forbidden)
	}
	a, err := s.load(ctx, number)
	if err != nil {
		return err
	}
	refs, _, err := s.referrers(ctx, s.catalog(), a.Number, nil)
	if err != nil {
		return err
	}
	if len(refs) > 0 {
		numbers := make([]string, len(refs))
		for i, r := range refs {
			numbers[i] = r.Number
		}
		return fault.Coded(fault.Conflict, CodeStillReferenced, "asset "+a.Number+" is still referenced by "+strings.Join(numbers, ", "), "assets", numbers)
	}
	// The ticket list and reminders first: an asset left without them
	// lists no tickets, while a list left without its asset would be found
	// by nothing.
	if err := s.deleteReminders(ctx, a.Number); err != nil {
		return err
	}
	if err := s.store.Delete(ctx, TicketsCollection, a.Number); err != nil {
		return fmt.Errorf("asset: delete the tickets of %s: %w", a.Number, err)
	}
	if err := s.store.Delete(ctx, AssetsCollection, a.Number); err != nil {
		return fmt.Errorf("asset: delete %s: %w", a.Number, err)
	}
	if s.mem != nil {
		s.mem.remove(a.Number)
	}
	if s.deletions != nil {
		s.deletions.RecordDeletion(ctx, actor, auth.AuditAssetDeleted)
	}
	// The log line names no asset either: logs are kept longer than data.
	s.log.InfoContext(ctx, "an asset was deleted for data protection", "actor", actorName(actor))
	return nil
}
