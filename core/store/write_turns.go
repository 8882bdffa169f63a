package store

// Turns between the store's own writer and FerretDB's writes.
//
// On the embedded store two kinds of connection write to one SQLite file:
// FerretDB's (every insert, update and delete sent through the driver) and
// the store's own writer (grouped creates, batched replaces and deletes,
// ticket_write_sql.go). SQLite lets one write at a time and makes the others
// poll: a connection that finds the file locked sleeps 1, 2, 5 … up to
// 100 ms between tries. Under a steady stream of grouped creates the own
// writer takes the lock again the moment it lets go, and a FerretDB write
// that sleeps between its tries keeps missing it: creates with an
// Idempotency-Key (whose key and number claims go through FerretDB) fell to
// a tenth of the creates without one, with p99 over a second.
//
// So the two take turns in Go before SQLite sees them: FerretDB writes hold
// the turn shared (among themselves SQLite orders them as before), the own
// writer holds it alone for each transaction, and a waiting own writer lets
// no further FerretDB write start (sync.RWMutex prefers a waiting writer),
// so each side gets the file in turn and nobody polls. MongoDB mode has no
// own writer and takes no turns.

// foreignWrite takes a shared turn for one write through FerretDB and
// returns its release. The caller writes nothing else while holding it.
func (s *Store) foreignWrite() func() {
	if s.writer == nil {
		return func() {}
	}
	s.turns.RLock()
	return s.turns.RUnlock
}

// ownWrite takes the turn alone for one transaction of the store's own
// writer and returns its release.
func (s *Store) ownWrite() func() {
	s.turns.Lock()
	return s.turns.Unlock
}
