package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cluster is a throwaway PostgreSQL cluster in a temporary directory,
// started as .ci/run starts CI's: initdb (as the postgres user when this
// process is root, for initdb refuses root), trust authentication on
// 127.0.0.1 only, a free port, the unix socket in the directory.
type cluster struct {
	dir  string // the temporary directory: data/, server.log, the socket
	bin  string // the directory of initdb, pg_ctl and createdb
	port int
	root bool // run the server's programs through runuser -u postgres
}

// startCluster creates and starts a cluster and a database named db in it,
// and returns the cluster and the database's URL. fsync is the server's
// fsync setting. On failure nothing is left behind.
func startCluster(ctx context.Context, db string, fsync bool) (*cluster, string, error) {
	bin, err := pgBin()
	if err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp("", "pgload-pg.")
	if err != nil {
		return nil, "", err
	}
	c := &cluster{dir: dir, bin: bin, root: os.Geteuid() == 0}
	ok := false
	defer func() {
		if !ok {
			c.stop()
		}
	}()
	if c.root {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, "", fmt.Errorf("running as root, and no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, "", err
		}
	}
	if c.port, err = freePort(); err != nil {
		return nil, "", err
	}
	if out, err := c.run(ctx, "initdb", "-D", filepath.Join(dir, "data"), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
		"--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US"); err != nil {
		return nil, "", fmt.Errorf("initdb: %w\n%s", err, out)
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s -c max_connections=300", c.port, dir)
	if !fsync {
		opts += " -c fsync=off"
	}
	if out, err := c.run(ctx, "pg_ctl", "-D", filepath.Join(dir, "data"), "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60",
		"-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		return nil, "", fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	if out, err := c.run(ctx, "createdb", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", db); err != nil {
		return nil, "", fmt.Errorf("createdb: %w\n%s", err, out)
	}
	ok = true
	return c, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db), nil
}

// run runs one of the server's programs from the cluster's directory, as
// the postgres user when this process is root. It gets a process group of
// its own, so that a ^C at the terminal reaches this program (which stops
// the cluster in order), not the postmaster that pg_ctl leaves running.
func (c *cluster) run(ctx context.Context, prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.root {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd.CombinedOutput()
}

// stop stops the server, if it runs, and removes the directory.
func (c *cluster) stop() {
	if c == nil || c.dir == "" {
		return
	}
	if _, err := os.Stat(filepath.Join(c.dir, "data", "postmaster.pid")); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		if out, err := c.run(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop"); err != nil {
			fmt.Fprintf(os.Stderr, "pgload: pg_ctl stop: %v\n%s", err, out)
		}
		cancel()
	}
	if err := os.RemoveAll(c.dir); err != nil {
		fmt.Fprintf(os.Stderr, "pgload: remove %s: %v\n", c.dir, err)
	}
	c.dir = ""
}

// pgBin is the bin directory of the newest PostgreSQL installed under
// /usr/lib/postgresql (Debian's layout), as .ci/run picks it.
func pgBin() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		return "", errors.New("no /usr/lib/postgresql/*/bin/initdb: install PostgreSQL's server (apt-get install postgresql), or give -dsn")
	}
	major := func(p string) float64 {
		v, _ := strconv.ParseFloat(strings.Split(p, "/")[4], 64)
		return v
	}
	sort.Slice(found, func(i, j int) bool { return major(found[i]) < major(found[j]) })
	return filepath.Dir(found[len(found)-1]), nil
}

// freePort is a TCP port on 127.0.0.1 that nothing listened on a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
