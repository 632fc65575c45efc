#!/bin/bash
# One model per Slurm array task, then one comparison table.
#   sbatch docs/jobs/slurm_array.sh            # trains the seven CNNs in parallel
#   sbatch --dependency=afterok:<jobid> --wrap "npx --yes deno@2.9.6 task compare --runs outputs/runs/*"
#SBATCH --job-name=lumbar-lab
#SBATCH --array=0-6
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=24:00:00
#SBATCH --output=logs/%x-%A_%a.out
#SBATCH --signal=B:INT@300   # Ctrl-C five minutes before the limit: the run saves, exits 130, and a requeue resumes it
#SBATCH --requeue

MODELS=(cnn alexnet vgg16 vgg16_involution resnet50 densenet121 mobilenet)
MODEL=${MODELS[$SLURM_ARRAY_TASK_ID]}
PROFILE=${PROFILE:-paper}
DATA=${DATA:-}            # a data folder shared by all tasks; empty for the phantom

# Same seed and data in every task: the same patient-level split for every model.
# --resume makes a requeued task continue from its last epoch instead of starting over.
exec npx --yes deno@2.9.6 task train --model "$MODEL" --profile "$PROFILE" \
  ${DATA:+--data "$DATA"} --seed 42 --out "outputs/runs/$MODEL-$PROFILE" --resume
