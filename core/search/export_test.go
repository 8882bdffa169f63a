package search

// SetFirstWindow sets how many of the newest tickets the first recency
// window holds, so a test sees windows in a small index; it returns the
// setting to restore.
func SetFirstWindow(n int) (restore func()) {
	was := firstWindow
	firstWindow = n
	return func() { firstWindow = was }
}

func FirstWindow() int { return firstWindow }
