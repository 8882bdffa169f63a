package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Names inside Config.DataDir.
const (
	ferretDirName  = "ferretdb"      // SQLite files, one per database
	socketName     = "ferretdb.sock" // FerretDB's unix socket
	lockFileName   = "store.lock"    // held while a Store uses the directory
	maxSocketBytes = 100             // sun_path holds 104 (macOS) to 108 (Linux) bytes
)

// embedded is a FerretDB running in this process.
type embedded struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned
	unlock func() error  // releases the data directory
	uri    string
	// sqliteFile is the SQLite database FerretDB keeps the documents in;
	// the query layer reads its indexes directly (see sqlindex.go).
	sqliteFile string
}

// ferretNew serialises the starts of embedded FerretDB instances.
var ferretNew sync.Mutex

// openEmbedded starts FerretDB on cfg.DataDir and connects s.client to it.
func (s *Store) openEmbedded(ctx context.Context, cfg Config) (err error) {
	s.mode = ModeEmbedded
	s.localLocks = true

	if cfg.DataDir == "" {
		return errors.New("store: a data directory is required when no mongodb uri is set")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return fmt.Errorf("store: data directory %q: %w", cfg.DataDir, err)
	}
	sqliteDir := filepath.Join(dir, ferretDirName)
	if err := os.MkdirAll(sqliteDir, 0o700); err != nil {
		return fmt.Errorf("store: create data directory: %w", err)
	}

	// Compare-and-set on FerretDB relies on locks in this process, so a
	// second process (or a second Store) on the same files would break it.
	unlock, err := lockDir(filepath.Join(dir, lockFileName))
	if err != nil {
		return fmt.Errorf("store: data directory %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			_ = unlock()
		}
	}()

	listener := ferretdb.ListenerConfig{}
	if sock := filepath.Join(dir, socketName); len(sock) <= maxSocketBytes {
		// We hold the directory lock, so a socket file left here belongs to a
		// process that is gone.
		if err := os.Remove(sock); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: remove stale socket: %w", err)
		}
		listener.Unix = sock
	} else {
		listener.TCP = "127.0.0.1:0"
	}

	// ferretdb.New writes a package variable of FerretDB's; stores opened
	// at once (tests in parallel, scenario suites) must take turns.
	ferretNew.Lock()
	fdb, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Logger:    newQuietLogger(cfg.Logger),
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: sqliteDir + "/", RawQuery: sqlitePragmas()}).String(),
	})
	ferretNew.Unlock()
	if err != nil {
		return fmt.Errorf("store: start embedded ferretdb: %w", err)
	}

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &embedded{cancel: cancel, done: make(chan struct{}), unlock: unlock,
		sqliteFile: filepath.Join(sqliteDir, cfg.Database+".sqlite")}
	go func() {
		defer close(e.done)
		if err := fdb.Run(runCtx); err != nil {
			s.log.Error("embedded ferretdb stopped", slog.Any("error", err))
		}
	}()
	defer func() {
		if err != nil {
			e.cancel()
			<-e.done
		}
	}()

	wait, waitCancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer waitCancel()

	if listener.Unix != "" {
		// The driver wants the socket path percent-encoded in the host part.
		e.uri = "mongodb://" + url.PathEscape(listener.Unix) + "/"
	} else {
		// MongoDBURI blocks until the listener is up, which may deadlock if
		// Run never starts; do not wait for it longer than for the ping.
		uriCh := make(chan string, 1)
		go func() { uriCh <- fdb.MongoDBURI() }()
		select {
		case e.uri = <-uriCh:
		case <-wait.Done():
			return fmt.Errorf("store: embedded ferretdb did not start listening: %w", wait.Err())
		}
	}

	opts := options.Client().ApplyURI(e.uri).
		SetAppName("vorgang").
		SetServerSelectionTimeout(time.Second)
	if listener.Unix != "" {
		// The driver lower-cases every address, socket paths included.
		opts.SetDialer(socketDialer{path: listener.Unix})
	}
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: connect to embedded ferretdb: %w", err)
	}
	if err := pingUntilReady(wait, client); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return fmt.Errorf("store: embedded ferretdb in %s did not answer: %w", dir, err)
	}

	s.client = client
	s.embedded = e
	return nil
}

// socketDialer dials one unix socket, whatever address the driver asks for.
type socketDialer struct{ path string }

func (d socketDialer) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	if network != "unix" {
		return nil, fmt.Errorf("store: embedded ferretdb listens on a unix socket, not %s", network)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, "unix", d.path)
}

// pingUntilReady pings until the server answers or ctx ends.
func pingUntilReady(ctx context.Context, client *mongo.Client) error {
	delay := 10 * time.Millisecond
	for {
		pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := client.Ping(pingCtx, nil)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last ping: %w)", ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 250*time.Millisecond)
	}
}

// stop cancels FerretDB, waits for it and releases the data directory. The
// client must already be disconnected.
func (e *embedded) stop(ctx context.Context) error {
	e.cancel()
	select {
	case <-e.done:
	case <-ctx.Done():
		// Keep the directory locked until FerretDB has let go of its files.
		go func() {
			<-e.done
			_ = e.unlock()
		}()
		return fmt.Errorf("store: wait for embedded ferretdb to stop: %w", ctx.Err())
	}
	if err := e.unlock(); err != nil {
		return fmt.Errorf("store: release data directory: %w", err)
	}
	return nil
}
