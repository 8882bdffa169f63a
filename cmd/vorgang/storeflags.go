package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"time"

	"vorgang/core/app"
	"vorgang/core/store"
)

// storeFlags are the --data and --mongo-uri flags of the commands that
// work on the database of a stopped (embedded) or running (MongoDB)
// server.
type storeFlags struct{ dataDir, mongoURI *string }

func addStoreFlags(fl *flag.FlagSet) storeFlags {
	return storeFlags{
		dataDir:  fl.String("data", envOr("VORGANG_DATA", "./data"), "data folder of the embedded database (env VORGANG_DATA)"),
		mongoURI: fl.String("mongo-uri", os.Getenv("VORGANG_MONGO_URI"), "MongoDB connection string (env VORGANG_MONGO_URI)"),
	}
}

// open opens the store with the collections of every package, logging
// only warnings to stderr; close it with the returned function.
func (f storeFlags) open(ctx context.Context, stderr io.Writer) (*store.Store, func(), error) {
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := app.OpenStore(ctx, *f.mongoURI, *f.dataDir, quiet)
	if err != nil {
		return nil, nil, err
	}
	return st, func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = st.Close(closeCtx)
	}, nil
}
