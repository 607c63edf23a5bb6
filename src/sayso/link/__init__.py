"""Link stage: claims, speakers and outlets across articles (who reported first, who echoes, who denies)."""
