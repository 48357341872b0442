package pglisten_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pgcert/pgcert/internal/pglisten"
	"github.com/pgcert/pgcert/pkg/probe"
)

func ExampleListen() {
	s, err := pglisten.Listen(pglisten.NoSSL, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	_, err = probe.Probe(context.Background(), probe.Config{Host: "127.0.0.1", Port: s.Port(), Timeout: 10 * time.Second})
	fmt.Println(errors.Is(err, probe.ErrSSLRefused))
	// Output: true
}

func ExampleStart() {
	fleet, err := pglisten.Start(3, pglisten.Stall, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fleet.Close()
	var targets []probe.Target
	for _, s := range fleet {
		targets = append(targets, probe.Target{Name: s.Addr(), Host: "127.0.0.1", Port: s.Port()})
	}
	rep := probe.ProbeAll(context.Background(), targets, probe.FleetOptions{Timeout: 100 * time.Millisecond})
	fmt.Println(rep.Summary.ByStatus[probe.StatusTimeout], "of", len(fleet), "timed out")
	// Output: 3 of 3 timed out
}
