#!/bin/sh
# The Flex Template launcher runs FLEX_TEMPLATE_GO_BINARY with the template's
# parameters and Dataflow's pipeline options (--project, --region,
# --staging_location, --temp_location, --template_location, --job_name, ...)
# as flags. vgmsynth wants its command first; the Dataflow runner is the
# default here, and a --runner passed by the launcher wins over it.
exec /dataflow/template/vgmsynth run --runner=dataflow "$@"
