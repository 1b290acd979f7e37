# The two commands a newcomer needs: `make run` and `make test`. The work is done by scripts/dev.
SHELL := /bin/bash
.DEFAULT_GOAL := run
.PHONY: run test setup demo serve bench lint db-stop

run: setup demo     ## install what is missing, start the local PostGIS, migrate, load data (+ demo once), serve on $PORT
	@scripts/dev serve

test: setup         ## the same setup, then lint and the whole test suite (browser tests included)
	@scripts/dev test

setup:
	@scripts/dev setup

demo:               ## synthetic demo data (layers, census, plans, forest), once; DUSUN_DEMO=0 skips it
	@scripts/dev demo

serve:
	@scripts/dev serve

bench: setup        ## performance checks, printed as ratios against a reference measured in the same run
	@scripts/dev bench $(ARGS)

lint:
	@scripts/dev lint

db-stop:            ## stop the project-local PostGIS cluster
	@scripts/dev db-stop
