package auth

import "context"

// AuditAssetDeleted records that an administrator deleted an asset for
// data protection; the entry says that a deletion happened, by whom and
// when, never what was deleted.
const AuditAssetDeleted = "asset.deleted"

// RecordDeletion adds an entry of action (such as AuditAssetDeleted) to
// the admin audit log for by, naming no user and no detail: the record of
// a deletion must not keep what it deleted. Like every audit entry, a
// failure to write it is logged, not returned.
func (s *Service) RecordDeletion(ctx context.Context, by *Principal, action string) {
	s.audit(ctx, by, action, "", nil, "")
}
