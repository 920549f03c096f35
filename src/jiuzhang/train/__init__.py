"""Stage 4, train: tiny model building, continued pre-training with DeepSpeed ZeRO, WSD schedule."""
