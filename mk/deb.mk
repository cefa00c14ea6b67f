# mk/deb.mk - `make deb`: the Debian package, watiqa_<version>_<arch>.deb in this
# directory, built with debhelper from debian/ in a scratch copy of the tree
# (build/deb/, so that dpkg-buildpackage writes nothing beside the checkout), then
# checked with lintian (an error fails; warnings are printed).  Installs the packaging
# tools when missing, as `make run` installs the build's.
DEB_TOOLS = debhelper dpkg-dev lintian
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null || sed -n '1s/.*(\(.*\)).*/\1/p' debian/changelog)
DEB_ARCH = $(shell dpkg --print-architecture)
DEB_FILE = watiqa_$(DEB_VERSION)_$(DEB_ARCH).deb

# The package is built from the same list as `make run`: every package of DEBS but
# build-essential (which dpkg-buildpackage assumes) is a Build-Depends, and what the
# binary needs at run time without linking to it (tzdata: the Moroccan zone) a Depends.
DEB_RUNTIME = adduser tzdata
.PHONY: deb deb-check-control
deb-check-control:
	@bd=$$(sed -n '/^Build-Depends:/,/^[A-Z]/p' debian/control); \
	dep=$$(sed -n '/^Package: watiqa$$/,$$p' debian/control | grep '^Depends:'); bad=0; \
	for p in $(filter-out build-essential,$(DEBS)); do \
		echo "$$bd" | grep -qw -- "$$p" || { echo "debian/control: Build-Depends lacks $$p (in DEBS)"; bad=1; }; done; \
	for p in $(DEB_RUNTIME); do \
		echo "$$dep" | grep -qw -- "$$p" || { echo "debian/control: Depends lacks $$p"; bad=1; }; done; \
	exit $$bad

deb: deps deb-check-control
	@missing=$$(for p in $(DEB_TOOLS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	rm -rf build/deb && mkdir -p build/deb/watiqa-$(DEB_VERSION)
	tar -c --exclude=./.git --exclude='./build*' --exclude=./var --exclude=./watiqa \
		--exclude='./watiqa_*' --exclude=./tests/out . | tar -x -C build/deb/watiqa-$(DEB_VERSION)
	cd build/deb/watiqa-$(DEB_VERSION) && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -40 ../build.log; echo "dpkg-buildpackage failed: build/deb/build.log"; exit 1; }
	cp build/deb/$(DEB_FILE) .
	lintian --fail-on error --tag-display-limit 0 build/deb/$(DEB_FILE)
	@echo "built $(DEB_FILE)"
