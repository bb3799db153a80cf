// Command promobsim runs the Promob simulator (package shared/promob/promobsim) on
// its own: the Promob API under /v1/… and the control API under /_sim/….
//
//	go run ./infra/cmd/promobsim -addr 127.0.0.1:3001 -data .local/promobsim.json
//
// It stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob/promobsim"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3001", "listen address")
	data := flag.String("data", ".local/promobsim.json", `state file ("" = memory only)`)
	level := flag.String("log-level", "INFO", "DEBUG, INFO, WARN or ERROR")
	flag.Parse()
	if err := run(*addr, *data, *level); err != nil {
		fmt.Fprintln(os.Stderr, "promobsim:", err)
		os.Exit(1)
	}
}

func run(addr, data, level string) error {
	log := logging.New(os.Stderr, level)
	sim, err := promobsim.New(promobsim.Options{DataFile: data, Log: log})
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: addr, Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("promobsim listening", "addr", addr, "data", data)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("promobsim stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
