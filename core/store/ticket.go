package store

import (
	"fmt"
)

// HistoryID is the _id of entry seq of ticket number.
func HistoryID(number string, seq int64) string {
	return fmt.Sprintf("%s/%08d", number, seq)
}
