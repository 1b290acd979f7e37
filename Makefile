# The two commands a newcomer needs: `make run` and `make test`. The work is done by scripts/dev.
SHELL := /bin/bash
.DEFAULT_GOAL := run
.PHONY: run test setup serve bench lint db-stop

run: setup          ## install what is missing, start the local PostGIS, migrate, load data, serve on $PORT
	@scripts/dev serve

test: setup         ## the same setup, then lint and the whole test suite (browser tests included)
	@scripts/dev test

setup:
	@scripts/dev setup

serve:
	@scripts/dev serve

bench: setup        ## performance checks, printed as ratios against a reference measured in the same run
	@scripts/dev bench $(ARGS)

lint:
	@scripts/dev lint

db-stop:            ## stop the project-local PostGIS cluster
	@scripts/dev db-stop
