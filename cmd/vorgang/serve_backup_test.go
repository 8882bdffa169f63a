package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"vorgang/core/app"
)

func TestBackupScheduleFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    app.Backup
		wantErr string
	}{
		{name: "none by default", want: app.Backup{Dir: "./backups", Keep: app.DefaultBackupKeep}},
		{name: "flags", args: []string{"--backup-every", "24h", "--backup-dir", "/srv/backups", "--backup-keep", "14"},
			want: app.Backup{Every: 24 * time.Hour, Dir: "/srv/backups", Keep: 14}},
		{name: "environment", env: map[string]string{"VORGANG_BACKUP_EVERY": "12h", "VORGANG_BACKUP_DIR": "/b", "VORGANG_BACKUP_KEEP": "3"},
			want: app.Backup{Every: 12 * time.Hour, Dir: "/b", Keep: 3}},
		{name: "negative interval", args: []string{"--backup-every", "-1h"}, wantErr: "--backup-every"},
		{name: "nothing kept", args: []string{"--backup-every", "1h", "--backup-keep", "0"}, wantErr: "--backup-keep"},
		{name: "MongoDB", args: []string{"--backup-every", "24h", "--mongo-uri", "mongodb://db.example/"}, wantErr: "mongodump"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{"VORGANG_BACKUP_EVERY", "VORGANG_BACKUP_DIR", "VORGANG_BACKUP_KEEP", "VORGANG_MONGO_URI"} {
				t.Setenv(name, tt.env[name])
			}
			c, err := parseServeFlags(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.backup != tt.want {
				t.Errorf("backup %+v, want %+v", c.backup, tt.want)
			}
		})
	}
}
