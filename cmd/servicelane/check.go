package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// kind is a kind of configuration file: how to load one and what to say
// about it when it is right.
type kind struct {
	name string // "price book"
	load func(name string, data []byte) (summary string, err error)
}

var priceBookKind = kind{"price book", func(name string, data []byte) (string, error) {
	b, err := billing.LoadPriceBook(name, data)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("price book %s in %s: %d labor rates, %d fees, %d coupons",
		b.Version, b.Currency, len(b.Labor.Rates), len(b.Fees), len(b.Coupons)), nil
}}

var appraisalPlanKind = kind{"appraisal plan", func(name string, data []byte) (string, error) {
	p, err := appraisal.LoadPlan(name, data)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("appraisal plan %s: %d KPIs", p.Version, len(p.KPIs)), nil
}}

var trainingPlanKind = kind{"training plan", func(name string, data []byte) (string, error) {
	p, err := training.LoadPlan(name, data)
	if err != nil {
		return "", err
	}
	mandatory := 0
	for _, c := range p.Courses {
		if c.Mandatory {
			mandatory++
		}
	}
	return fmt.Sprintf("training plan %d: %d courses, %d mandatory", p.Year, len(p.Courses), mandatory), nil
}}

// fileReport is what -json prints for one file.
type fileReport struct {
	File     string           `json:"file"`
	OK       bool             `json:"ok"`
	Summary  string           `json:"summary,omitempty"`
	Problems []org.FieldError `json:"problems"`
}

// checkCommand checks files of kind k: every problem of every file, each
// on its own line (or one JSON object per file with -json).
func checkCommand(k kind) func(args []string, stdout, stderr io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		fs := flag.NewFlagSet("check", flag.ContinueOnError)
		fs.SetOutput(stderr)
		asJSON := fs.Bool("json", false, "print one JSON object per file")
		files, err := parseArgs(fs, args)
		if err != nil {
			return exitUsage
		}
		if len(files) == 0 {
			fmt.Fprintf(stderr, "servicelane: check: name the %s files to check\n", k.name)
			return exitUsage
		}
		status := exitOK
		enc := json.NewEncoder(stdout)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				fmt.Fprintf(stderr, "servicelane: %v\n", err)
				return exitUsage
			}
			r := fileReport{File: file, Problems: []org.FieldError{}}
			r.Summary, err = k.load(file, data)
			var ve *org.ValidationError
			switch {
			case err == nil:
				r.OK = true
			case errors.As(err, &ve):
				r.Problems = ve.Fields
				status = exitProblem
			default:
				fmt.Fprintf(stderr, "servicelane: %s: %v\n", file, err)
				return exitUsage
			}
			if *asJSON {
				if err := enc.Encode(r); err != nil {
					return exitUsage
				}
				continue
			}
			if r.OK {
				fmt.Fprintf(stdout, "%s: ok: %s\n", file, r.Summary)
				continue
			}
			for _, p := range r.Problems {
				fmt.Fprintf(stdout, "%s: %s (%s)\n", p.Where(), p.Message, p.Code)
			}
			fmt.Fprintf(stdout, "%s: %s\n", file, count(len(r.Problems), "problem"))
		}
		return status
	}
}
